from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "masthead.content"
    label = "content"
    verbose_name = "Content"

    def ready(self):
        # Any saved or deleted content row (admin, ORM, queryset delete) may change what a
        # cached page, listing or article fact shows: bump the content version. Actions
        # bump too; these catch every other path.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from masthead.content import freshness, models

        for model in (models.Publication, models.Section, models.Author, models.Tag, models.Source,
                      models.Article, models.LegalPage, models.Picture, models.Correction):
            for signal in (post_save, post_delete):
                signal.connect(freshness.content_changed_receiver, sender=model,
                               dispatch_uid=f"masthead.content.bump.{signal is post_save}.{model.__name__}")
        # The search index follows every save and delete the actions did not make.
        from masthead.content.search import index as search_index

        post_save.connect(search_index.article_saved, sender=models.Article, dispatch_uid="masthead.content.search.saved")
        post_delete.connect(search_index.article_deleted, sender=models.Article,
                            dispatch_uid="masthead.content.search.deleted")
        # The archive's day rows follow every save and delete of a story.
        from django.db.models.signals import pre_save

        from masthead.content import rollup

        pre_save.connect(rollup.article_saving, sender=models.Article, dispatch_uid="masthead.content.rollup.saving")
        post_save.connect(rollup.article_saved, sender=models.Article, dispatch_uid="masthead.content.rollup.saved")
        post_delete.connect(rollup.article_deleted, sender=models.Article, dispatch_uid="masthead.content.rollup.deleted")
        # A new time zone moves stories between local days: the rows are counted again.
        from masthead.content import tasks

        pre_save.connect(tasks.publication_saving, sender=models.Publication,
                         dispatch_uid="masthead.content.rollup.zone_saving")
        post_save.connect(tasks.publication_saved, sender=models.Publication,
                          dispatch_uid="masthead.content.rollup.zone_saved")
        # Every save of a story keeps a revision (content.revisions, django-reversion).
        from masthead.content import revisions

        revisions.register()
        for through in (models.Article.authors.through, models.Article.tags.through):
            m2m_changed.connect(freshness.content_changed_receiver, sender=through,
                                dispatch_uid=f"masthead.content.bump.m2m.{through.__name__}")
