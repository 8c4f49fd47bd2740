"""``qasas report``'s page: one self-contained HTML file about a story, built from ``game.tools.report``'s data.

``page.build_page(report)`` is the page; ``figures`` are its plots; ``assets/`` holds our script and styles and
the vendored layout library (dagre). Imported only by ``qasas report``: nothing else pays for it.
"""
