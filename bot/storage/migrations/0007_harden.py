from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_broadcast')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InboundEvent',
            name='sent',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='InboundEvent',
            name='reply_state',
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.AddField(
            model_name='InboundEvent',
            name='retry_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # "failed" was the old give-up state; "dead" rows can be retried (run.py inbox retry).
        ops.RunSQL("UPDATE inbound_event SET status = 'dead' WHERE status = 'failed'",
                   reverse_sql="UPDATE inbound_event SET status = 'failed' WHERE status = 'dead'"),
    ]
