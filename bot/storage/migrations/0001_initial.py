import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Conversation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('chat_id', fields.CharField(max_length=64)),
                ('user_id', fields.CharField(max_length=64)),
                ('state', fields.CharField(default='idle', max_length=40)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('nonce', fields.CharField(default='', max_length=8)),
                ('locale', fields.CharField(default='zh-TW', max_length=8)),
                ('version', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'conversation', 'app': 'models', 'unique_together': (('platform', 'chat_id', 'user_id'),), 'pk_attr': 'id', 'table_description': 'Conversation state for one (platform, chat, user).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(max_length=64)),
                ('faq_id', fields.CharField(max_length=64)),
                ('helpful', fields.BooleanField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feedback', 'app': 'models', 'unique_together': (('platform', 'user_id', 'faq_id'),), 'pk_attr': 'id', 'table_description': 'A 👍/👎 on an answer (user ids kept only so a user can see and delete theirs).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InboundEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('event_key', fields.CharField(max_length=128)),
                ('conv_key', fields.CharField(max_length=255)),
                ('payload', fields.TextField(unique=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('replies', fields.TextField(null=True, unique=False)),
                ('error', fields.CharField(null=True, max_length=200)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbound_event', 'app': 'models', 'unique_together': (('platform', 'event_key'),), 'pk_attr': 'id', 'table_description': 'A webhook event, recorded before the webhook answers 200, then processed by a worker.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('payload', fields.TextField(unique=False)),
                ('dedupe_key', fields.CharField(unique=True, max_length=191)),
                ('run_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('error', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Durable work to run at or after run_at: pushes, reminders, broadcasts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(max_length=64)),
                ('followed', fields.BooleanField(default=True)),
                ('first_seen', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_seen', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member', 'app': 'models', 'unique_together': (('platform', 'user_id'),), 'pk_attr': 'id', 'table_description': 'A user of one platform: whether they follow us, and since when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Unanswered',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('text', fields.CharField(max_length=200)),
                ('reason', fields.CharField(max_length=16)),
                ('faq_id', fields.CharField(null=True, max_length=64)),
                ('lang', fields.CharField(default='zh', max_length=4)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'unanswered', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A question the bot could not answer, or an answer marked unhelpful (no personal data).'},
            bases=['Model'],
        ),
    ]
