// aedes-persistence-level ships no types: the part of its API the embedded broker uses.
declare module 'aedes-persistence-level' {
  import type { Level } from 'level';

  interface LevelPersistence {
    destroy(): Promise<void>;
  }

  export default function persistenceOnLevel(db: Level<string, unknown>): LevelPersistence;
}
