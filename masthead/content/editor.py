"""The article body's rich editor: django-prose-editor (ProseMirror), served by Masthead.

The editor offers exactly what the site renders: paragraphs, headings (h2-h4), lists,
quotes, links, bold/italic, tables, and two embeds of Masthead's own (static
content/editor_embeds.js): a picture from the library and an allowed provider's post.
`EDITOR_EXTENSIONS` names them; `sanitize.ALLOWED_TAGS` / `ALLOWED_ATTRIBUTES` is the
server's set, and tests/content/test_editor.py holds the editor's set inside it. Whatever
the widget posts, the form and Article.save() clean the body with `sanitize.clean_html`.
"""

from __future__ import annotations

from django import forms
from django_prose_editor.fields import ProseEditorFormField

from masthead.content.models import Article
from masthead.content.sanitize import clean_html

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HTML": True,  # editors may look at (and fix) the markup; the server cleans it anyway
    "PictureEmbed": True,
    "MediaEmbed": True,
}

# The embeds' JS module and what each adds to the editor's allow-list are registered in
# settings (DJANGO_PROSE_EDITOR_EXTENSIONS), which must not import this app.


class ArticleForm(forms.ModelForm):
    """The admin's article form: the body in the rich editor, cleaned on the server."""

    body = ProseEditorFormField(
        config={"extensions": EDITOR_EXTENSIONS}, sanitize=clean_html, required=False,
        help_text="Paste from Word or Google Docs freely: the markup is cleaned when you save.",
    )

    class Meta:
        model = Article
        fields = "__all__"
