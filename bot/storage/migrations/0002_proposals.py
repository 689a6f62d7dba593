from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DistrictChat',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district', fields.CharField(unique=True, max_length=8)),
                ('platform', fields.CharField(max_length=16)),
                ('chat_id', fields.CharField(max_length=64)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'district_chat', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The staff chat (a Telegram group) where a district office receives proposals.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Proposal',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.CharField(unique=True, max_length=32)),
                ('ref', fields.CharField(null=True, unique=True, max_length=24)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(null=True, db_index=True, max_length=64)),
                ('status', fields.CharField(default='draft', db_index=True, max_length=16)),
                ('district', fields.CharField(default='', db_index=True, max_length=8)),
                ('title', fields.CharField(default='', max_length=80)),
                ('answers', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('contact', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'proposal', 'app': 'models', 'pk_attr': 'id', 'table_description': "A resident's 構想書: a draft saved after every step, then submitted and reviewed."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(max_length=16)),
                ('note', fields.CharField(default='', max_length=500)),
                ('actor', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'proposal_event', 'app': 'models', 'pk_attr': 'id', 'table_description': "One step in a proposal's history: submitted, accepted, needs more, ..."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffRole',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(max_length=64)),
                ('district', fields.CharField(max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_role', 'app': 'models', 'unique_together': (('platform', 'user_id', 'district'),), 'pk_attr': 'id', 'table_description': "A person allowed to act on one district's proposals ('*' for every district)."},
            bases=['Model'],
        ),
    ]
