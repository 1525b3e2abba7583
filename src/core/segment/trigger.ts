/**
 * Mapping triggers in Segment's condition syntax (`type = "track" and event = "Order Completed"`), parsed
 * and evaluated by Segment's own `@segment/destination-subscriptions`, so a trigger means here what it
 * means in Segment.
 */
import { parseFql, validate, type Subscription } from '@segment/destination-subscriptions';

export type CompiledTrigger = (message: unknown) => boolean;

export class TriggerError extends Error {
  constructor(
    readonly trigger: string,
    reason: string,
  ) {
    super(`Trigger ${JSON.stringify(trigger)} is not valid Segment condition syntax: ${reason}. Example: type = "track" and event = "Order Completed"`);
    this.name = 'TriggerError';
  }
}

export function compileTrigger(trigger: string): CompiledTrigger {
  if (trigger.trim() === '') throw new TriggerError(trigger, 'it is empty');
  let parsed: Subscription;
  try {
    parsed = parseFql(trigger);
  } catch (error) {
    throw new TriggerError(trigger, (error as Error).message);
  }
  const failure = (parsed as { error?: unknown }).error;
  if (failure) {
    // The parser's own errors are often internal TypeErrors; those say nothing useful to a user.
    const reason =
      failure instanceof Error && failure.message && !(failure instanceof TypeError)
        ? failure.message
        : 'it could not be parsed (check the quotes, the operators and the parentheses)';
    throw new TriggerError(trigger, reason);
  }
  return (message: unknown) => {
    try {
      return validate(parsed, message);
    } catch {
      return false; // a message of an unexpected shape simply does not match
    }
  };
}
