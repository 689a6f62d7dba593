from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_staff_chats')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=16)),
                ('item', fields.CharField(max_length=64)),
                ('action', fields.CharField(max_length=40)),
                ('note', fields.CharField(default='', max_length=500)),
                ('actor', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'indexes': [Index(fields=['kind', 'item'])], 'pk_attr': 'id', 'table_description': 'One change made in the console: what, on which item, by whom, when, with which note.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsoleLink',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(db_index=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'console_link', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A one-time sign-in link (only the SHA-256 of its token is kept).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsoleSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(db_index=True, max_length=64)),
                ('csrf', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'console_session', 'app': 'models', 'pk_attr': 'id', 'table_description': "A signed-in browser (the cookie's SHA-256 is the key, csrf rides in every form)."},
            bases=['Model'],
        ),
    ]
