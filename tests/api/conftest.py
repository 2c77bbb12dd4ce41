from tests.access.conftest import publication, registered_reader  # noqa: F401
