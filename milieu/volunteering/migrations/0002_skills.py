from django.db import migrations


def load_skills(apps, schema_editor):
    from milieu.volunteering.skills import load

    load(apps.get_model("volunteering", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0001_initial")]

    operations = [migrations.RunPython(load_skills, migrations.RunPython.noop)]
