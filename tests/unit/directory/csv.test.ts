import { parseCsv } from '../../../db/csv';

describe('parseCsv', () => {
  it('should split plain records and number them by file line', () => {
    expect(parseCsv('code,name_fr\n01,Tanger\n02,Oujda\n')).toEqual([
      { line: 1, fields: ['code', 'name_fr'] },
      { line: 2, fields: ['01', 'Tanger'] },
      { line: 3, fields: ['02', 'Oujda'] },
    ]);
  });

  it('should keep commas, apostrophes and doubled quotes inside a quoted field', () => {
    expect(parseCsv(`"Dar Chaoui, centre",M'diq,"le ""Souk"" d'Asni"`)).toEqual([
      { line: 1, fields: ['Dar Chaoui, centre', "M'diq", 'le "Souk" d\'Asni'] },
    ]);
  });

  it('should keep a line break inside a quoted field and count it for the next record', () => {
    const records = parseCsv('a,"two\nlines"\nb,c');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'two\nlines'] },
      { line: 3, fields: ['b', 'c'] },
    ]);
  });

  it('should read CRLF line ends, a byte order mark and Arabic text', () => {
    expect(parseCsv('\uFEFFcode,name_ar\r\n01,طنجة تطوان الحسيمة\r\n')).toEqual([
      { line: 1, fields: ['code', 'name_ar'] },
      { line: 2, fields: ['01', 'طنجة تطوان الحسيمة'] },
    ]);
  });

  it('should skip comment lines and blank lines but keep counting them', () => {
    const records = parseCsv('# Source: HCP, RGPH 2024 (CC BY 4.0)\ncode\n\n01\n# end\n02');
    expect(records).toEqual([
      { line: 2, fields: ['code'] },
      { line: 4, fields: ['01'] },
      { line: 6, fields: ['02'] },
    ]);
  });

  it('should keep empty fields, including a trailing one', () => {
    expect(parseCsv('01,,x,\n')).toEqual([{ line: 1, fields: ['01', '', 'x', ''] }]);
  });

  it('should flag a quote that is never closed on the record where it opened', () => {
    const [first, second] = parseCsv('01,ok\n02,"never closed\n03,x\n');
    expect(first).toEqual({ line: 1, fields: ['01', 'ok'] });
    expect(second?.line).toBe(2);
    expect(second?.error).toBe('unterminated quoted field (a " opened on line 2 is never closed)');
  });

  it('should flag text after a closing quote', () => {
    const [record] = parseCsv('"Tanger" Assilah,01');
    expect(record?.fields).toEqual(['Tanger Assilah', '01']);
    expect(record?.error).toMatch(/^unexpected text after a closing quote in field 1/);
  });
});
