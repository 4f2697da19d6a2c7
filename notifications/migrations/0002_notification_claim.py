from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="claim",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
    ]
