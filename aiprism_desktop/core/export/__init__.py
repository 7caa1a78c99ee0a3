"""Export: reviewed .docx (comments, tracked changes) and reports."""
