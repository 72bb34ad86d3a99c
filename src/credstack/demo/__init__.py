"""``credstack demo``: a local instance seeded with demo data.

The providers, micro-credentials and job requirements come from the project's seed
tables (``seed/``, see ``seed/README.txt``); learners, awards and the EU elements the
tables lack are made-up demo data (docs/demo.md lists them). :func:`seed_demo` in
:mod:`credstack.demo.seeding` writes everything through the platform's services.
"""
