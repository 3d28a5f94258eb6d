import { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair } from 'yaml';
import { z } from 'zod';
import { Procedure } from '/work/main/definitions/schema';
const lc = new LineCounter();
const src = `id: x
version: 1.5
a: [1, 2
`;
const d = parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
for (const e of d.errors) console.log(e.code, e.message, e.linePos, e.pos);
const src2 = `id: x\nid: y\nversion: "abc"\nouter:\n  k:\n  j: 1\n`;
const d2 = parseDocument(src2, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
for (const e of d2.errors) console.log(e.code, e.message, e.linePos, e.pos);
const d3 = parseDocument(src2, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
console.log(d3.errors.length, JSON.stringify(d3.toJS()));
const m: any = d3.contents; const outer = m.items[3].value; console.log(outer.items[0].value, outer.range);
const r = Procedure.safeParse({ id: 'x', version: 1.5, title: {fr:'a'}, legalBasis: [], initial: 'A', states: { s: { kind: 'taks' }, t: {}, Bad: {kind:'final', label:{fr:'a',ar:'b'}}, u: {kind: 'final', label: {fr:'a',ar:'b'}, outcome: 'aproved', lable: 1} }, clocks: { c: { label: {fr:'a',ar:'b'}, duration: '3 jours', runsIn: [], onExpiry: { escalate: false } } }, states2: 1 });
if (!r.success) console.log(JSON.stringify(r.error.issues, null, 1));
