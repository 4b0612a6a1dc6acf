import type { AnyActorRef, AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { getStateNodes } from 'xstate/graph';

/** Every state node id of a machine below its root (`decky.acting.plantingFile`, …). */
export function stateIds(machine: AnyStateMachine): Set<string> {
  return new Set(getStateNodes(machine.root).map((n) => n.id));
}

/** The ids of the state nodes a snapshot is in (parallel regions included). */
export function activeStateIds(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): string[] {
  return getStateNodes(machine.root)
    .filter((n) => snapshot.matches(n.path.join('.')))
    .map((n) => n.id);
}

/** Adds every state an actor passes through (each snapshot it emits) to `into`. */
export function trackStates(machine: AnyStateMachine, actor: AnyActorRef, into: Set<string>): void {
  const add = (s: AnyMachineSnapshot) => {
    for (const id of activeStateIds(machine, s)) into.add(id);
  };
  add(actor.getSnapshot());
  actor.subscribe({ next: add, error: () => {} });
}
