"""Low-level WordprocessingML (.docx) reading and writing helpers, built on lxml."""
