"""The picture library in the admin: upload, alt text, caption, credit, focal point; a list
with thumbnails, searchable by caption, credit and alt text, for reuse in any story."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html

from masthead.content import picture_actions, renditions
from masthead.content.pictures import Picture, validate_picture_file


class PictureForm(forms.ModelForm):
    # A plain file field: Django's ImageField would answer a bad file with its own vaguer
    # message before ours (validate_picture_file) could say what is wrong.
    image = forms.FileField(label="Picture", help_text=Picture._meta.get_field("image").help_text)

    class Meta:
        model = Picture
        fields = ("image", "alt", "caption", "credit", "focal_x", "focal_y")
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            validate_picture_file(image)
        return image


def _thumbnail(picture: Picture, width: int = 120):
    if not picture.pk or not picture.image:
        return "-"
    small = [r for r in renditions.planned(picture, "wide") if r.extension == "jpg"][0] \
        if picture.renditions_ready else None
    return format_html('<img src="{}" alt="{}" width="{}" style="height:auto">',
                       small.url if small else picture.image.url, picture.alt, width)


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ("thumbnail", "alt", "caption", "credit", "dimensions", "uploaded_at", "uploaded_by", "embed_code")
    list_display_links = ("thumbnail", "alt")
    search_fields = ("caption", "credit", "alt")
    list_filter = ("uploaded_at", "renditions_ready")
    date_hierarchy = "uploaded_at"
    readonly_fields = ("focal_preview", "dimensions", "uploaded_by", "uploaded_at", "renditions_ready", "embed_code")
    fieldsets = (
        (None, {"fields": ("image", "alt", "caption", "credit")}),
        ("Focal point", {
            "fields": ("focal_preview", "focal_x", "focal_y"),
            "description": "Click the picture on the point that must stay in view when it is cropped "
            "(or type the numbers); save to make new crops.",
        }),
        ("In the library", {"fields": ("embed_code", "dimensions", "uploaded_by", "uploaded_at", "renditions_ready")}),
    )

    @admin.display(description="Picture")
    def thumbnail(self, picture: Picture):
        return _thumbnail(picture)

    @admin.display(description="Size")
    def dimensions(self, picture: Picture) -> str:
        return f"{picture.width}×{picture.height}" if picture.pk else "-"

    @admin.display(description="To embed in a story")
    def embed_code(self, picture: Picture):
        if not picture.pk:
            return "-"
        return format_html('Picture {} · <code>&lt;figure data-picture="{}"&gt;&lt;/figure&gt;</code>', picture.pk, picture.pk)

    @admin.display(description="Picture (click to set the focal point)")
    def focal_preview(self, picture: Picture):
        if not picture.pk or not picture.image:
            return "Upload the picture and save; then set its focal point here."
        # A click sets the two fields below from where on the picture it fell.
        return format_html(
            '<div style="position:relative;display:inline-block;max-width:480px">'
            '<img src="{}" alt="{}" style="max-width:480px;height:auto;cursor:crosshair;display:block" '
            "onclick=\"var r=this.getBoundingClientRect(),x=((event.clientX-r.left)/r.width).toFixed(2),"
            "y=((event.clientY-r.top)/r.height).toFixed(2);document.getElementById('id_focal_x').value=x;"
            "document.getElementById('id_focal_y').value=y;var m=this.nextElementSibling;"
            "m.style.left=(x*100)+'%';m.style.top=(y*100)+'%';\">"
            '<span aria-hidden="true" style="position:absolute;left:{}%;top:{}%;width:14px;height:14px;margin:-7px;'
            'border:2px solid #fff;border-radius:50%;box-shadow:0 0 0 2px #c00;pointer-events:none"></span></div>',
            picture.image.url, picture.alt, round(picture.focal_x * 100, 2), round(picture.focal_y * 100, 2),
        )

    def save_model(self, request, obj: Picture, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        picture_actions.picture_saved(
            obj, new_file="image" in form.changed_data,
            moved_focus=bool({"focal_x", "focal_y"} & set(form.changed_data)),
        )
