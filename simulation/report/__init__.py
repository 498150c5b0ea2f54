"""Business-case reports: citable ranges for commissioners, beside the council method.

- :mod:`.tables` - the report's tables from :class:`simulation.results.Results` (headline, year
  by year, effect by source, money inputs, activity, assumptions, cost-effectiveness points);
  the two views side by side and the break-even threshold come from
  :mod:`simulation.results.views`;
- :mod:`.council` - the deterministic "council method" of today's business cases (by year);
- :mod:`.sentences` - citable sentences whose every number points to a table cell;
- :mod:`.claims`, :mod:`.claims_check` - the seed business cases' claims against the simulation;
- :mod:`.figures` - the figures (PNG); :mod:`.html` + ``template.html`` - the printable page;
  :mod:`.word` - report.docx; :mod:`.excel` - report.xlsx; :mod:`.export` - safe CSV cells;
- :mod:`.word_blocks`, :mod:`.excel_blocks` - the building blocks of every Word and Excel file
  (a council template, provenance, headings, tables that print well, figures; print-ready
  sheets, financial years, data tables);
- :mod:`.options` - the options appraisal of ``pausesim compare`` (and ``report --variant``):
  Green Book table and paired differences in both views, as HTML, Word and Excel;
- :mod:`.build` - the whole report from its two views (the base case first, the authority-wide
  scenario beside it), written atomically.
"""
