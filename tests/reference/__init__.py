"""The pandas implementations the query layer replaced, kept only as references for the equivalence tests."""
