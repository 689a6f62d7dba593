from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_handoff')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('kind', fields.CharField(max_length=24)),
                ('title', fields.CharField(max_length=80)),
                ('district', fields.CharField(db_index=True, max_length=8)),
                ('starts', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('place', fields.CharField(max_length=120)),
                ('capacity', fields.IntField()),
                ('host', fields.CharField(max_length=80)),
                ('summary', fields.TextField()),
                ('for_whom', fields.CharField(max_length=200)),
                ('bring', fields.CharField(default='', max_length=200)),
                ('signup_closes', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('url', fields.CharField(default='', max_length=300)),
                ('needs_phone', fields.BooleanField(default=False)),
                ('status', fields.CharField(default='scheduled', max_length=12)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A 走讀 walk or a course residents can sign up for (loaded with `run.py events import`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventRegistration',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.CharField(db_index=True, max_length=64)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(max_length=64)),
                ('chat_id', fields.CharField(max_length=64)),
                ('status', fields.CharField(db_index=True, max_length=12)),
                ('code', fields.CharField(max_length=8)),
                ('token', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=40)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('locale', fields.CharField(default='zh-TW', max_length=8)),
                ('offer_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_by', fields.CharField(null=True, max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'event_registration', 'app': 'models', 'unique_together': (('event_id', 'platform', 'user_id'), ('event_id', 'code')), 'pk_attr': 'id', 'table_description': "A resident's seat (registered), place in line (waiting) or held seat (offered)."},
            bases=['Model'],
        ),
    ]
