"""Qt-free domain and engine: documents, findings, review state, prompts, export."""
