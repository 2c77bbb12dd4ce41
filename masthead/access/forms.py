"""The benefits picker the admin uses for plans, grants and organisations."""

from __future__ import annotations

from django import forms

from masthead.access import benefits as registry


class BenefitsField(forms.MultipleChoiceField):
    """Checkboxes over the benefit registry, stored as a JSON list of codes.

    `sellable_only` (plans): only benefits Masthead delivers can be sold.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, sellable_only: bool = False, **kwargs):
        kwargs.setdefault("choices", registry.SELLABLE_CHOICES if sellable_only else registry.CHOICES)
        kwargs.setdefault("required", False)
        for key in ("encoder", "decoder", "max_length"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)
