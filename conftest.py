"""pytest configuration shared by every addon's tests (run through pytest-odoo)."""
import pytest


@pytest.fixture(scope="session", autouse=True)
def warm_up_odoo_statics():
    """Parse every addon manifest once, in this thread, before the browser
    tests' HTTP server threads do it concurrently on their first static file
    request: concurrent ast.literal_eval crashes CPython 3.11 now and then
    ("AST constructor recursion depth mismatch", python/cpython#106905)."""
    try:
        import odoo.http
    except ImportError:  # Odoo-free tests
        yield
        return
    odoo.http.root.statics  # noqa: B018  (a lazy property: this computes it)
    yield
