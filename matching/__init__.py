"""The matching engine: a pure library (profiles in, ranked explained matches out).

It imports nothing from the web (api/), market/ or SQLAlchemy, so it can be evaluated and
benchmarked on its own.
"""
