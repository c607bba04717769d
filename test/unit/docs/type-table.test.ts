import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderTypeMappingMarkdown } from '../../../src/catalog/type-mapping.js';

const table = renderTypeMappingMarkdown();

describe('published type mapping', () => {
  for (const file of ['README.md', 'docs/integrations/sources/databricks.md']) {
    it(`${file} shows the mapping table the code uses`, () => {
      assert.ok(readFileSync(file, 'utf8').includes(table), `${file} is out of date: paste renderTypeMappingMarkdown() output`);
    });
  }
});
