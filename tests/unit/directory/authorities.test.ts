/** Units named by their kind, and the authority that supervises each level (db/authorities.ts). */
import { AUTHORITIES, supervisingAuthority, unitTitle } from '../../../db/authorities';
import { CODE_FORMATS, KIND_DEPTH, PARENT_KINDS, UNIT_KINDS, type UnitKind } from '../../../db/directory-model';

const unit = (kind: UnitKind, fr: string, ar: string) => ({ kind, name: { fr, ar } });

describe('unitTitle', () => {
  it.each([
    [unit('prefecture', 'Tanger-Assilah', 'طنجة-أصيلة'), 'la préfecture de Tanger-Assilah', 'عمالة طنجة أصيلة'],
    [unit('province', 'Al Haouz', 'الحوز'), "la province d'Al Haouz", 'إقليم الحوز'],
    [unit('province', 'El Jadida', 'الجديدة'), "la province d'El Jadida", 'إقليم الجديدة'],
    [unit('province', 'Tétouan', 'تطوان'), 'la province de Tétouan', 'إقليم تطوان'],
    [unit('arrondissements_prefecture', 'Casablanca-Anfa', 'الدار البيضاء-أنفا'), "la préfecture d'arrondissements de Casablanca-Anfa", 'عمالة مقاطعات الدار البيضاء أنفا'],
    [unit('region', 'Fès-Meknès', 'فاس مكناس'), 'la région de Fès-Meknès', 'جهة فاس مكناس'],
    [unit('commune', 'Asilah', 'أصيلة'), "la commune d'Asilah", 'جماعة أصيلة'],
    [unit('arrondissement', 'Tanger-Médina', 'طنجة المدينة'), "l'arrondissement de Tanger-Médina", 'مقاطعة طنجة المدينة'],
    [unit('pachalik', 'Tanger', 'طنجة'), 'le pachalik de Tanger', 'باشوية طنجة'],
    [unit('caidat', 'Asni', 'أسني'), "le caïdat d'Asni", 'قيادة أسني'],
  ])('should name %o by its kind', (u, fr, ar) => {
    expect(unitTitle(u)).toEqual({ fr, ar });
  });
});

describe('supervision', () => {
  it('should escalate to the governor, then the wali, then the ministry: the State, never a council', () => {
    expect(supervisingAuthority('prefecture')?.name(unit('prefecture', 'Tanger-Assilah', 'طنجة-أصيلة'))).toEqual({
      fr: 'les services du gouverneur de la préfecture de Tanger-Assilah',
      ar: 'مصالح عامل عمالة طنجة أصيلة',
    });
    expect(supervisingAuthority('arrondissements_prefecture')?.id).toBe('governor_services');
    expect(supervisingAuthority('region')?.name(unit('region', 'Marrakech-Safi', 'مراكش آسفي'))).toEqual({
      fr: 'les services du wali de la région de Marrakech-Safi',
      ar: 'مصالح والي جهة مراكش آسفي',
    });
    for (const kind of UNIT_KINDS) expect(supervisingAuthority(kind)?.side ?? 'state').toBe('state');
    for (const kind of ['commune', 'arrondissement', 'pachalik', 'caidat', 'annexe'] as const) expect(supervisingAuthority(kind)).toBeUndefined();
  });

  it('should seat a council beside the State at a prefecture, a province and a region, and the president at a commune', () => {
    expect(AUTHORITIES.province.map((a) => [a.id, a.side])).toEqual([
      ['governor_services', 'state'],
      ['council', 'collectivity'],
    ]);
    expect(AUTHORITIES.province[1]?.name(unit('province', 'Al Haouz', 'الحوز'))).toEqual({ fr: "le conseil de la province d'Al Haouz", ar: 'مجلس إقليم الحوز' });
    expect(AUTHORITIES.commune[0]?.name(unit('commune', 'Tanger', 'طنجة'))).toEqual({ fr: 'le président du conseil de la commune de Tanger', ar: 'رئيس مجلس جماعة طنجة' });
    expect(AUTHORITIES.commune[0]?.roles).toEqual(['commune_president']);
  });
});

describe('unit kinds', () => {
  it('should give every kind parents of a smaller depth and a code form whose example matches', () => {
    for (const kind of UNIT_KINDS) {
      for (const parent of PARENT_KINDS[kind]) expect(KIND_DEPTH[parent]).toBeLessThan(KIND_DEPTH[kind]);
      expect(CODE_FORMATS[kind].pattern.test(CODE_FORMATS[kind].example)).toBe(true);
    }
    expect(PARENT_KINDS.arrondissement).toEqual(['commune', 'arrondissements_prefecture']);
  });
});
