/**
 * The readable page of a personal data download (`GET /me/personal-data?format=html`): the same
 * content as the JSON, as a self-contained HTML page in French and Arabic that a person can read,
 * print or keep. Every value is escaped (Handlebars' double braces): the data is the person's own
 * free text and may hold anything.
 */
import Handlebars from 'handlebars';
import type { PersonalDataExport } from '../usecases/personal-data';

const hb = Handlebars.create();
hb.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));

const PAGE = hb.compile(
  `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Masar : vos données personnelles / معطياتكم الشخصية</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:start;vertical-align:top}pre{white-space:pre-wrap;margin:0}[lang=ar]{direction:rtl}</style></head>
<body>
<h1>Vos données personnelles détenues par Masar <span lang="ar">/ معطياتكم الشخصية لدى مسار</span></h1>
<p>{{subject.name}} ({{subject.id}}{{#if subject.email}}, {{subject.email}}{{/if}}). Établi le / حرر في {{generatedAt}}.</p>
<h2>Dossiers <span lang="ar">/ الملفات</span> ({{cases.length}})</h2>
{{#each cases}}<h3>{{reference}}: {{procedure.id}} v{{procedure.version}}</h3>
<table><tr><th>État / الحالة</th><td>{{state}} ({{status}}{{#if outcome}}, {{outcome}}{{/if}})</td></tr>
<tr><th>Unité / الوحدة</th><td>{{unit}}</td></tr><tr><th>Déposé le / أودع في</th><td>{{filedAt}}</td></tr>
{{#if closedAt}}<tr><th>Clos le / أغلق في</th><td>{{closedAt}}</td></tr>{{/if}}
<tr><th>Vos saisies / معطياتكم</th><td><pre>{{json data}}</pre></td></tr><tr><th>Faits / معطيات الملف</th><td><pre>{{json facts}}</pre></td></tr></table>
{{/each}}
<h2>Journal des dossiers <span lang="ar">/ سجل الملفات</span> ({{journal.length}})</h2>
<table><tr><th>Dossier</th><th>#</th><th>Quand / متى</th><th>Quoi / ماذا</th><th>Qui / من</th><th>Motif / السبب</th></tr>
{{#each journal}}<tr><td>{{caseId}}</td><td>{{sequence}}</td><td>{{at}}</td><td>{{kind}}{{#if toState}} → {{toState}}{{/if}}</td><td>{{actor.name}} {{actor.id}}</td><td>{{reason}}</td></tr>{{/each}}</table>
<h2>Messages envoyés <span lang="ar">/ الرسائل المرسلة</span> ({{messages.length}})</h2>
<table><tr><th>Quand / متى</th><th>À / إلى</th><th>Objet / الموضوع</th><th>Statut / الحالة</th></tr>
{{#each messages}}<tr><td>{{createdAt}}</td><td>{{address}}</td><td>{{subject}}</td><td>{{status}}</td></tr>{{/each}}</table>
<h2>Consultations par l'administration <span lang="ar">/ اطلاع الإدارة</span> ({{reads.length}})</h2>
<table><tr><th>Quand / متى</th><th>Dossier</th><th>Quoi / ماذا</th><th>Qui / من</th></tr>
{{#each reads}}<tr><td>{{at}}</td><td>{{caseId}}</td><td>{{what}}</td><td>{{reader.name}} {{#each reader.roles}}{{this}} {{/each}}{{reader.unit}}</td></tr>{{/each}}</table>
<h2>Vos demandes <span lang="ar">/ طلباتكم</span> ({{requests.length}})</h2>
<table>{{#each requests}}<tr><td>{{at}}</td><td>{{kind}}</td><td>{{transport}} {{route}}</td></tr>{{/each}}</table>
</body></html>
`,
  { strict: false },
);

/** The page; every value escaped. */
export function personalDataPage(data: PersonalDataExport): string {
  return PAGE(data);
}
