from tests.access.conftest import _fresh_access_state, publication, registered_reader  # noqa: F401
