"""The Textual app: ``run_app`` starts it. Imported only by ``qasas play``, never by the engine or the tools."""
