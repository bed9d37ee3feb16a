"""Great Expectations for the warehouse marts.

Suites are defined in Python (``expectations.suites``); ``python -m expectations.validate
build-suites`` writes them to the GX project under ``expectations/gx/`` (committed), and
``expectations.validate.run_validation`` checks the warehouse against them.
"""
