/** The console's "Registration form for a new application", with dev.hh.ru's fields and texts. */
import type { FC } from 'hono/jsx';
import { Alert, AUDIENCE_LABELS, ROLE_LABELS } from './admin.js';
import { Hidden, Layout } from './layout.js';

export interface NewAppValues {
  name: string;
  description: string;
  redirectUri: string;
  role: string;
  audience: string;
  employerId: string;
  tasks: string;
  methods: string;
  lastName: string;
  firstName: string;
  middleName: string;
}

export const EMPTY_APP_VALUES: NewAppValues = {
  name: '',
  description: '',
  redirectUri: '',
  role: 'employer_and_applicant',
  audience: 'any_user',
  employerId: '',
  tasks: '',
  methods: '',
  lastName: '',
  firstName: '',
  middleName: '',
};

const Text: FC<{ id: string; label: string; value: string; required?: boolean }> = (p) => (
  <>
    <label for={p.id}>{p.label}</label>
    <input id={p.id} name={p.id} type="text" value={p.value} required={p.required ?? true} />
  </>
);

const Area: FC<{ id: string; label: string; value: string }> = ({ id, label, value }) => (
  <>
    <label for={id}>{label}</label>
    <textarea id={id} name={id} required>
      {value}
    </textarea>
  </>
);

export const NewAppPage: FC<{
  csrf: string;
  values: NewAppValues;
  employers: readonly { id: string; name: string }[];
  error?: string | undefined;
}> = ({ csrf, values, employers, error }) => (
  <Layout title="Registration form for a new application">
    <p>
      To decide on your application, we need information about your application and its
      capabilities. We try to process applications within a few working days.
    </p>
    <Alert message={error} />
    <form method="post" action="/admin/apps">
      <Hidden fields={{ csrf }} />
      <h2>About the app</h2>
      <Text id="name" label="Application name" value={values.name} />
      <label for="description">Description of the application</label>
      <textarea id="description" name="description">
        {values.description}
      </textarea>
      <label for="role">Application roles</label>
      <select id="role" name="role">
        {Object.entries(ROLE_LABELS).map(([value, label]) => (
          <option value={value} selected={values.role === value}>
            {label}
          </option>
        ))}
      </select>
      <label for="audience">Who will use it</label>
      <select id="audience" name="audience">
        {Object.entries(AUDIENCE_LABELS).map(([value, label]) => (
          <option value={value} selected={values.audience === value}>
            {label}
          </option>
        ))}
      </select>
      <label for="employer_id">Company selection (for "One employer")</label>
      <select id="employer_id" name="employer_id">
        <option value="" selected={values.employerId === ''}>
          choose
        </option>
        {employers.map((e) => (
          <option value={e.id} selected={values.employerId === e.id}>
            {e.name}
          </option>
        ))}
      </select>
      <h2>Functionality</h2>
      <Area id="tasks" label="What tasks should the application solve" value={values.tasks} />
      <Area
        id="methods"
        label="Describe all the functionality of the application and specify the API methods used"
        value={values.methods}
      />
      <h2>The contact person</h2>
      <Text id="last_name" label="Last name" value={values.lastName} />
      <Text id="first_name" label="First name" value={values.firstName} />
      <Text id="middle_name" label="Middle name" value={values.middleName} required={false} />
      <Text id="redirect_uri" label="Redirect URI" value={values.redirectUri} />
      <p>
        Redirect URI is an address to which the server will redirect a user after he or she allows
        or forbid access. For example: https://example.com/page or myapp://auth
      </p>
      <button type="submit">Add</button>
    </form>
  </Layout>
);
