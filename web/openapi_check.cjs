// node openapi_check.cjs <openapi.json> <checks.json>
//
// Validates JSON answers of the server against the OpenAPI document's schema for their route
// (JSON Schema 2020-12, as OpenAPI 3.1 uses, with Ajv). checks.json is a list of
// {"path": "/v1/reports/{name}", "method": "get", "status": "200" | "default", "body": <JSON>}.
// Prints one line per check; exits 1 when any answer does not validate or a route is missing.
'use strict';
const fs = require('fs');
const Ajv2020 = require('ajv/dist/2020').default;

const [documentFile, checksFile] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(documentFile, 'utf8'));
const checks = JSON.parse(fs.readFileSync(checksFile, 'utf8'));

// The document's components as a schema of their own; the routes' "#/components/..." refer
// into it. Formats (int64, date-time) are annotations here, not assertions.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: 'urn:wijkwacht:openapi', components: doc.components });
const rebase = (schema) =>
  JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"urn:wijkwacht:openapi#/components/'));

let failed = 0;
for (const check of checks) {
  const operation = (doc.paths[check.path] || {})[check.method];
  const response = operation && operation.responses[check.status];
  const media = response && response.content && response.content['application/json'];
  if (!media) {
    console.log(`MISSING  ${check.method.toUpperCase()} ${check.path} ${check.status}: no JSON response in the document`);
    failed++;
    continue;
  }
  const validate = ajv.compile(rebase(media.schema));
  if (validate(check.body)) {
    console.log(`valid    ${check.method.toUpperCase()} ${check.path} ${check.status}`);
  } else {
    console.log(`INVALID  ${check.method.toUpperCase()} ${check.path} ${check.status}: ${ajv.errorsText(validate.errors)}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
