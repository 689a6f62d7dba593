from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_proposals')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Proposal',
            name='locale',
            field=fields.CharField(default='zh-TW', max_length=8),
        ),
    ]
