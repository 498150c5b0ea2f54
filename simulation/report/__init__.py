"""Business-case reports: citable ranges for commissioners, beside the council method.

- :mod:`.tables` - the report's tables from :class:`simulation.results.Results` (headline, year
  by year, effect by source, the two calibrations side by side, money inputs, activity,
  assumptions, cost-effectiveness points);
- :mod:`.council` - the deterministic "council method" of today's business cases (by year);
- :mod:`.sentences` - citable sentences whose every number points to a table cell;
- :mod:`.claims`, :mod:`.comparison` - the seed business cases' claims against the simulation;
- :mod:`.figures` - the figures (PNG); :mod:`.html` + ``template.html`` - the printable page;
  :mod:`.word` - report.docx; :mod:`.excel` - report.xlsx; :mod:`.export` - safe CSV cells;
- :mod:`.build` - the whole report from two runs, written atomically.
"""
