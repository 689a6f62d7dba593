from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_proposal_locale')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FaqSuggestion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket_ref', fields.CharField(unique=True, max_length=12)),
                ('question', fields.CharField(max_length=500)),
                ('answer', fields.TextField(unique=False)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=12)),
                ('suggested_by', fields.CharField(max_length=80)),
                ('faq_id', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'faq_suggestion', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A suggested FAQ entry from a ticket (question and answer with personal data removed),'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ref', fields.CharField(unique=True, max_length=12)),
                ('platform', fields.CharField(max_length=16)),
                ('chat_id', fields.CharField(max_length=64)),
                ('user_id', fields.CharField(db_index=True, max_length=64)),
                ('locale', fields.CharField(default='zh-TW', max_length=8)),
                ('district', fields.CharField(default='', max_length=8)),
                ('question', fields.CharField(max_length=500)),
                ('guesses', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='open', db_index=True, max_length=12)),
                ('close_reason', fields.CharField(null=True, max_length=16)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('claimed_name', fields.CharField(default='', max_length=64)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resident_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('group_chat', fields.CharField(null=True, max_length=64)),
                ('thread_id', fields.CharField(null=True, db_index=True, max_length=32)),
                ('card_id', fields.CharField(null=True, max_length=32)),
                ('group_error', fields.CharField(null=True, max_length=200)),
                ('reply_token', fields.CharField(null=True, max_length=255)),
                ('reply_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('nudged_unclaimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('nudged_unanswered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('group_lock', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resident_lock', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket', 'app': 'models', 'pk_attr': 'id', 'table_description': "A resident's question handed to the volunteers (consented: question and district only)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('direction', fields.CharField(max_length=4)),
                ('text', fields.TextField(unique=False)),
                ('author_id', fields.CharField(default='', max_length=64)),
                ('author_name', fields.CharField(default='', max_length=64)),
                ('source_key', fields.CharField(null=True, unique=True, max_length=160)),
                ('faq_id', fields.CharField(null=True, max_length=64)),
                ('batch', fields.CharField(null=True, max_length=32)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('error', fields.CharField(null=True, max_length=200)),
                ('rating', fields.BooleanField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ticket_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One message of a ticket: in (resident -> volunteers), out (volunteer -> resident) or a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketPost',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.CASCADE)),
                ('chat_id', fields.CharField(max_length=64)),
                ('message_id', fields.CharField(max_length=32)),
            ],
            options={'table': 'ticket_post', 'app': 'models', 'unique_together': (('chat_id', 'message_id'),), 'pk_attr': 'id', 'table_description': "A message the bot sent to the volunteers' group for a ticket: a reply to it is an"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VolunteerGroup',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(default='volunteers', unique=True, max_length=16)),
                ('platform', fields.CharField(max_length=16)),
                ('chat_id', fields.CharField(max_length=64)),
                ('sweep_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'volunteer_group', 'app': 'models', 'pk_attr': 'id', 'table_description': "The volunteers' group (one row, key 'volunteers'): where hand-off tickets are posted."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VolunteerRole',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('platform', fields.CharField(max_length=16)),
                ('user_id', fields.CharField(max_length=64)),
                ('name', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'volunteer_role', 'app': 'models', 'unique_together': (('platform', 'user_id'),), 'pk_attr': 'id', 'table_description': "A person who may claim and answer residents' tickets in the volunteers' group."},
            bases=['Model'],
        ),
    ]
