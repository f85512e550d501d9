/**
 * An in-memory adapter for oidc-provider backed by plain Maps. The adapter that ships with
 * oidc-provider is an LRU capped at 1,000 entries, which would evict live tokens under load (and
 * make a prefilled store meaningless), so the benchmark gives the peer this unbounded one instead.
 * Expiry is checked on read, like the shipped adapter.
 */
const stores = new Map() // model name → Map(id → { payload, expiresAt })
const grants = new Map() // grantId → Set of `${name}:${id}`

function store(name) {
  let s = stores.get(name)
  if (!s) {
    s = new Map()
    stores.set(name, s)
  }
  return s
}

export class MapAdapter {
  constructor(name) {
    this.name = name
    this.items = store(name)
  }

  async upsert(id, payload, expiresIn) {
    this.items.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined })
    if (payload.grantId) {
      let set = grants.get(payload.grantId)
      if (!set) {
        set = new Set()
        grants.set(payload.grantId, set)
      }
      set.add(`${this.name}:${id}`)
    }
  }

  async find(id) {
    const item = this.items.get(id)
    if (!item) return undefined
    if (item.expiresAt !== undefined && item.expiresAt <= Date.now()) {
      this.items.delete(id)
      return undefined
    }
    return item.payload
  }

  async findByUid(uid) {
    for (const [id, item] of this.items) if (item.payload.uid === uid) return this.find(id)
    return undefined
  }

  async findByUserCode(userCode) {
    for (const [id, item] of this.items) if (item.payload.userCode === userCode) return this.find(id)
    return undefined
  }

  async consume(id) {
    const item = this.items.get(id)
    if (item) item.payload.consumed = Math.floor(Date.now() / 1000)
  }

  async destroy(id) {
    this.items.delete(id)
  }

  async revokeByGrantId(grantId) {
    for (const key of grants.get(grantId) ?? []) {
      const colon = key.indexOf(':')
      stores.get(key.slice(0, colon))?.delete(key.slice(colon + 1))
    }
    grants.delete(grantId)
  }

  /** Bench only: how many entries each model holds. */
  static sizes() {
    return Object.fromEntries([...stores].map(([name, s]) => [name, s.size]))
  }
}
