# Run: .venv/bin/python bench/revisions.py  (a fresh SQLite data dir in /tmp; about 20 s)
"""How much a revision adds to a content action: 300 update_article calls with revisions
kept, then with the Article and Correction models unregistered from django-reversion."""
import os, sys, time, tempfile
os.environ["MASTHEAD_DATA_DIR"] = tempfile.mkdtemp(prefix="mh-rev-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import reversion
from masthead.content import actions
from masthead.content.models import Article, Correction, Section
from reversion.models import Version

section = Section.objects.create(slug="news", name="News")
body = "".join(f"<p>Paragraph {p} of a story of ordinary length, with words in it.</p>" for p in range(12))
stories = [actions.create_article(headline=f"Story {n}", section=section, body=body) for n in range(300)]

def run(label):
    start = time.perf_counter()
    for n, story in enumerate(stories):
        actions.update_article(story, headline=f"Story {n} ({label})")
    elapsed = time.perf_counter() - start
    print(f"{label}: {len(stories) / elapsed:.0f} updates/s ({elapsed * 1000 / len(stories):.2f} ms each)")

run("with revisions")
versions = Version.objects.count()
reversion.unregister(Correction); reversion.unregister(Article)
run("without revisions")
print(f"versions kept: {versions}")
