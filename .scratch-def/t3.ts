import { procedureJsonSchemaText } from '../definitions/json-schema';
const t = procedureJsonSchemaText(); console.log(t.length); console.log(t.slice(0, 600));
