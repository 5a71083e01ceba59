/** Domain errors of event rules; each edge (the HTTP controllers) maps them to its answers. */

/** Bad input, naming the field: `targets[0].url: must be http(s)`. */
export class RuleInputError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'RuleInputError';
  }
}

export class RuleNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`event rule ${id} not found`);
    this.name = 'RuleNotFoundError';
  }
}

export class RuleNameTakenError extends Error {
  constructor(readonly ruleName: string) {
    super(`name: an event rule named "${ruleName}" already exists`);
    this.name = 'RuleNameTakenError';
  }
}

export class DeliveryNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`event delivery ${id} not found`);
    this.name = 'DeliveryNotFoundError';
  }
}
