"""A report's files are in one language: its requester's, or for the monthly schedule each reader's."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_english_message_ids"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='report',
            name='report_one_scheduled_per_period',
        ),
        migrations.AddField(
            model_name='report',
            name='language',
            field=models.CharField(choices=[('ja', 'Japanese'), ('en', 'English')], default='ja', max_length=8, verbose_name='language'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(condition=models.Q(('scheduled', True)), fields=('consortium', 'period_start', 'period_end', 'language'), name='report_one_scheduled_per_period'),
        ),
    ]
