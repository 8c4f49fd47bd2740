"""Author tools built on the engine: lint, graph, randomtest, quicktest, schema. No Textual here."""
