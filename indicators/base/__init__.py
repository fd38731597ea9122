"""The base vocabulary: catalog, periods, status words, formatting, labels, paths.

Imports nothing of ours from any layer above it (import-linter keeps it so)."""
