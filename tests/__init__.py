"""The test suite. Its helper modules are imported by the test files, so pytest is asked to rewrite
their asserts too (it does so by itself only for conftest.py and the test_*.py files)."""

import pytest

pytest.register_assert_rewrite("tests.helpers", "tests.stripe_fixtures")
