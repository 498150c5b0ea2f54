"""Business-case reports: citable ranges for commissioners, beside the council method.

- :mod:`.tables` - the report's tables from a Monte Carlo result (by year, headline, assumptions);
- :mod:`.council` - the deterministic "council method" of today's business cases;
- :mod:`.sentences` - citable sentences whose every number points to a table cell;
- :mod:`.claims`, :mod:`.comparison` - the seed business cases' claims against the simulation;
- :mod:`.figures`, :mod:`.html` - embedded figures and the self-contained HTML page;
- :mod:`.build` - the whole report, written atomically; :mod:`.business_case` - the seeds' runs.
"""
