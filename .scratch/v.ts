import { visualPieces } from '../documents/pdf/bidi-text';
console.log(JSON.stringify(visualPieces('القانون 12-90', 'rtl')));
