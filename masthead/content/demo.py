"""Demo content (the full generator is built in content)."""


def seed_content(progress=print) -> None:
    from masthead.content.models import Publication

    if not Publication.objects.exists():
        Publication.objects.create(name="The Demo Ledger", tagline="Business news, every day")
    progress("Content: publication ready")
