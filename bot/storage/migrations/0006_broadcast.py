from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Broadcast',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(null=True, unique=True, max_length=191)),
                ('kind', fields.CharField(default='broadcast', max_length=16)),
                ('audience', fields.CharField(max_length=80)),
                ('district', fields.CharField(default='', max_length=8)),
                ('messages', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sender_platform', fields.CharField(default='', max_length=16)),
                ('sender_chat', fields.CharField(default='', max_length=64)),
                ('sender_user', fields.CharField(default='', max_length=64)),
                ('urgent', fields.BooleanField(default=False)),
                ('run_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='scheduled', db_index=True, max_length=12)),
                ('total', fields.IntField(default=0)),
                ('per_platform', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('line_cost', fields.IntField(default=0)),
                ('sent', fields.IntField(default=0)),
                ('failed', fields.IntField(default=0)),
                ('skipped', fields.IntField(default=0)),
                ('progress_step', fields.IntField(default=0)),
                ('error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'broadcast', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One message to an audience: a staff broadcast or an i-Voting reminder.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryBatch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('broadcast_id', fields.BigIntField(db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('locale', fields.CharField(default='zh-TW', max_length=8)),
                ('recipients', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('size', fields.IntField(default=0)),
                ('retry_key', fields.CharField(max_length=36)),
                ('urgent', fields.BooleanField(default=False)),
                ('status', fields.CharField(default='pending', max_length=12)),
                ('parts_done', fields.IntField(default=0)),
                ('attempts', fields.IntField(default=0)),
                ('run_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claim', fields.CharField(default='', max_length=16)),
                ('sent_count', fields.IntField(default=0)),
                ('skipped_count', fields.IntField(default=0)),
                ('error', fields.CharField(default='', max_length=200)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery_batch', 'app': 'models', 'indexes': [Index(fields=['status', 'platform', 'run_at']), Index(fields=['broadcast_id', 'status'])], 'pk_attr': 'id', 'table_description': 'A durable unit of delivery: one LINE multicast (up to 500 users) or one chat elsewhere.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IVotingPeriod',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('title', fields.CharField(max_length=120)),
                ('scope', fields.CharField(max_length=8)),
                ('opens', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('how_to_vote', fields.TextField(unique=False)),
                ('eligibility', fields.TextField(unique=False)),
                ('url', fields.CharField(max_length=300)),
                ('sample', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'ivoting_period', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An i-Voting period from the calendar (content/ivoting.yaml, `run.py ivoting import`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Subscription',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(max_length=64)),
                ('topic', fields.CharField(max_length=16)),
                ('scope', fields.CharField(max_length=8)),
                ('locale', fields.CharField(default='zh-TW', max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'subscription', 'app': 'models', 'unique_together': (('platform', 'user_id', 'topic', 'scope'),), 'pk_attr': 'id', 'table_description': "A resident's opt-in: i-Voting reminders or a district's news ('全市' or a district)."},
            bases=['Model'],
        ),
    ]
