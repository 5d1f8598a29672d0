"""The designer's form <-> query AST mapping: vocabulary, rows, the behavioral and compound forms, actions."""
