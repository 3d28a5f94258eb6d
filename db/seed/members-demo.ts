/**
 * Demo members of the seeded directory: fictitious people at real units, so a fresh install can
 * file, handle and escalate a case end to end. Emails are @masar.local (delivered to the local
 * mail sink, never to the internet).
 */
import type { MemberInput } from '../directory-model';

/** The roles a commune's front-office agent holds in the shipped procedures. */
const COMMUNE_AGENT_ROLES = [
  'agent',
  'information_officer',
  'urbanism_officer',
  'complaints_officer',
  'civil_status_officer',
  'legalisation_officer',
  'mail_clerk',
  'service_head',
];

export const DEMO_MEMBERS: readonly MemberInput[] = [
  // Commune of Tanger, below the prefecture of Tanger-Assilah, region Tanger-Tétouan-Al Hoceïma.
  { id: 'demo-tanger-agent', unitCode: '01.511.01.01', name: 'Karim Benali', email: 'agent.tanger@masar.local', language: 'fr', roles: COMMUNE_AGENT_ROLES },
  // The president of the commune council signs the permits and decisions the law gives him.
  { id: 'demo-tanger-president', unitCode: '01.511.01.01', name: 'أمينة الكتاني', email: 'president.tanger@masar.local', language: 'ar', roles: ['commune_president'] },
  // The permits' commission gives its opinion before the president decides (permis-construire).
  { id: 'demo-tanger-commission', unitCode: '01.511.01.01', name: 'Youssef Chraibi', email: 'commission.tanger@masar.local', language: 'fr', roles: ['commission_member'] },
  // Arrondissement of Tanger-Médina (commune with arrondissements): its own counter and president.
  { id: 'demo-tanger-medina-agent', unitCode: '01.511.01.11', name: 'Samira Alaoui', email: 'agent.tanger-medina@masar.local', language: 'fr', roles: COMMUNE_AGENT_ROLES },
  { id: 'demo-tanger-medina-president', unitCode: '01.511.01.11', name: 'رشيد بناني', email: 'president.tanger-medina@masar.local', language: 'ar', roles: ['commune_president'] },
  { id: 'demo-tanger-assilah-supervisor', unitCode: '01.511', name: 'سعاد الإدريسي', email: 'supervision.tanger-assilah@masar.local', language: 'ar', roles: ['supervisor'] },
  { id: 'demo-tanger-assilah-governor', unitCode: '01.511', name: 'Omar El Fassi', email: 'gouverneur.tanger-assilah@masar.local', language: 'fr', roles: ['governor_services'] },
  { id: 'demo-region-01-supervisor', unitCode: '01', name: 'Nadia Tazi', email: 'supervision.region01@masar.local', language: 'fr', roles: ['supervisor'] },
  // Commune of Tahannaout, below the province of Al Haouz, region Marrakech-Safi.
  { id: 'demo-tahannaout-agent', unitCode: '07.041.01.01', name: 'يوسف العمراني', email: 'agent.tahannaout@masar.local', language: 'ar', roles: COMMUNE_AGENT_ROLES },
  { id: 'demo-tahannaout-president', unitCode: '07.041.01.01', name: 'Mohamed Aït Lahcen', email: 'president.tahannaout@masar.local', language: 'fr', roles: ['commune_president'] },
  { id: 'demo-al-haouz-supervisor', unitCode: '07.041', name: 'Hicham Ouazzani', email: 'supervision.alhaouz@masar.local', language: 'fr', roles: ['supervisor'] },
  { id: 'demo-al-haouz-governor', unitCode: '07.041', name: 'خديجة بنعلي', email: 'gouverneur.alhaouz@masar.local', language: 'ar', roles: ['governor_services'] },
  { id: 'demo-region-07-supervisor', unitCode: '07', name: 'رشيد الحمداوي', email: 'supervision.region07@masar.local', language: 'ar', roles: ['supervisor'] },
  // The ministry: the last level of every escalation.
  { id: 'demo-dgct-supervisor', unitCode: 'DGCT', name: 'Leila Berrada', email: 'supervision.dgct@masar.local', language: 'fr', roles: ['supervisor'] },
];
