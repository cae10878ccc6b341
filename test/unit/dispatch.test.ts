import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiHandlers } from '../../shared/api.js';
import { ApiRequestError, dispatch, toApiFailure } from '../../electron/core/api/dispatch.js';

/** Every method answers with what it received, so tests can see the parsed request. */
function echoHandlers() {
  const calls = vi.fn(async (method: string, req: unknown) => ({ method, req }));
  const handlers = Object.fromEntries(
    API_METHODS.map((method) => [method, (req: unknown) => calls(method, req)]),
  ) as unknown as ApiHandlers;
  return { handlers, calls };
}

async function rejection(promise: Promise<unknown>): Promise<ApiRequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiRequestError);
  return error as ApiRequestError;
}

describe('dispatch', () => {
  it('calls the handler with the parsed request, defaults filled in and unknown keys dropped', async () => {
    const { handlers, calls } = echoHandlers();
    const result = await dispatch(handlers, 'jobs.list', { mac: '001122334455', extra: 'dropped' });
    expect(result).toEqual({ method: 'jobs.list', req: { mac: '001122334455', limit: 500 } });
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it.each(['no.such', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''])(
    'rejects the non-contract method %j with 404 before any handler runs',
    async (method) => {
      const { handlers, calls } = echoHandlers();
      const error = await rejection(dispatch(handlers, method, {}));
      expect(error.statusCode).toBe(404);
      expect(error.message).toContain('Unknown API method');
      expect(calls).not.toHaveBeenCalled();
    },
  );

  it.each([42, undefined, null, { toString: () => 'app.info' }, ['app.info']])(
    'rejects a method that is not a string (%j) with 404',
    async (method) => {
      const { handlers } = echoHandlers();
      expect((await rejection(dispatch(handlers, method, {}))).statusCode).toBe(404);
    },
  );

  it('rejects an invalid request with 400 and names the method and field', async () => {
    const { handlers, calls } = echoHandlers();
    const error = await rejection(dispatch(handlers, 'settings.update', { phonePort: 70000 }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^Invalid request for settings\.update: phonePort: /);
    expect(calls).not.toHaveBeenCalled();
  });

  it('rejects a missing or non-object request with 400', async () => {
    const { handlers } = echoHandlers();
    expect((await rejection(dispatch(handlers, 'app.info', undefined))).statusCode).toBe(400);
    expect((await rejection(dispatch(handlers, 'phones.get', 'aa:bb'))).statusCode).toBe(400);
  });

  it('reports nested paths of invalid fields', async () => {
    const { handlers } = echoHandlers();
    const error = await rejection(
      dispatch(handlers, 'items.validate', {
        items: [
          { name: 'ok', value: 'v' },
          { name: '', value: 'v' },
        ],
      }),
    );
    expect(error.message).toContain('items.1.name');
  });

  it('lets handler errors through unchanged', async () => {
    const { handlers } = echoHandlers();
    const boom = new Error('disk full');
    handlers['app.info'] = () => Promise.reject(boom);
    await expect(dispatch(handlers, 'app.info', {})).rejects.toBe(boom);
  });
});

describe('toApiFailure', () => {
  it('keeps the status of request errors', () => {
    expect(toApiFailure(new ApiRequestError(404, 'Unknown API method: "x"'))).toEqual({
      status: 404,
      body: { error: 'Unknown API method: "x"' },
    });
  });

  it('passes statusCode and validation issues of handler errors through', () => {
    const issues = [{ name: 'sip-server-address', message: 'must be a host name' }];
    const error = Object.assign(new Error('2 items are invalid'), { statusCode: 422, issues });
    expect(toApiFailure(error)).toEqual({ status: 422, body: { error: '2 items are invalid', issues } });
  });

  it('turns everything else into a 500', () => {
    expect(toApiFailure(new Error('database is locked'))).toEqual({
      status: 500,
      body: { error: 'database is locked' },
    });
    expect(toApiFailure('a string')).toEqual({ status: 500, body: { error: 'Internal error' } });
    expect(toApiFailure(Object.assign(new Error('odd'), { statusCode: 200 })).status).toBe(500);
    expect(toApiFailure(Object.assign(new Error('odd'), { statusCode: '404' })).status).toBe(500);
  });
});
