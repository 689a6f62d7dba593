from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Issue 22: a staff chat's and the volunteers' group's language is set, never guessed.
# Other branches may add migrations numbered 0008 too: whoever merges second renumbers theirs
# and points its dependency at the other.


class Migration(migrations.Migration):
    dependencies = [('models', '0007_harden')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DistrictChat',
            name='lang',
            field=fields.CharField(default='zh-TW', max_length=8),
        ),
        ops.AddField(
            model_name='VolunteerGroup',
            name='lang',
            field=fields.CharField(default='zh-TW', max_length=8),
        ),
        ops.AddField(
            model_name='Proposal',
            name='card_chat',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Proposal',
            name='card_id',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='FaqSuggestion',
            name='written',
            field=fields.BooleanField(default=False),
        ),
    ]
