import { type AnyActorLogic, type CallbackActorLogic, type EventObject, fromCallback } from 'xstate';

type CallbackBody<TInput> = Parameters<typeof fromCallback<EventObject, TInput>>[0];

/**
 * Callback logic whose body is chosen per instance from its input: `build(input)` returns the
 * logic for that instance (one Docker host's discovery), and its callback runs as this actor.
 * Relies on `config` being the callback a `fromCallback` logic was made from (xstate v5 API).
 */
export function perInput<TInput>(build: (input: TInput) => AnyActorLogic): CallbackActorLogic<EventObject, TInput> {
  return fromCallback<EventObject, TInput>((args) => {
    const body = build(args.input).config;
    if (typeof body !== 'function') throw new Error('perInput: build must return fromCallback logic');
    return (body as CallbackBody<TInput>)(args);
  });
}
