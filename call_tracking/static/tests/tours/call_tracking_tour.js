import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// The day of a sub-branch, in three logins (test_ui_tour.py): the teller
// completes a call to-do from the customer's form with a suggested script and
// submits the day's sheet; the accounting supervisor signs it; the president
// countersigns it and downloads the XLSX.

const CUSTOMER = "Tour Customer Zhao";
const SCRIPT = "Re-contact: service follow-up";

registry.category("web_tour.tours").add("call_tracking_teller_tour", {
    url: "/web#action=star_tiering.action_bank_customers",
    steps: () => [
        {
            content: "Open the teller's customer",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The phone-marketing to-do is open",
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Call about the maturing deposit')",
        },
        {
            content: "The customer's scripts: not contacted for a long time",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Scripts')",
            run: "click",
        },
        {
            content: "The long-silence script is offered, with its words",
            trigger: `.o_field_widget[name='call_script_ids'] .o_kanban_record:contains('${SCRIPT}'):contains('follow-up call')`,
        },
        {
            content: "Log a call",
            trigger: ".o_form_view button[name='action_log_call']",
            run: "click",
        },
        {
            content: "The call form suggests the same script",
            trigger: `.modal .o_field_widget[name='suggested_script_ids'] .o_kanban_record:contains('${SCRIPT}')`,
        },
        {
            content: "A call of 75 seconds: effective",
            trigger: ".modal .o_field_widget[name='duration_seconds'] input",
            run: "edit 75",
        },
        {
            content: "The customer's needs",
            trigger: ".modal .o_field_widget[name='needs'] textarea",
            run: "edit Deposit matures on the 25th",
        },
        {
            content: "The product marketed",
            trigger: ".modal .o_field_widget[name='products_marketed'] textarea",
            run: "edit 115-day wealth product",
        },
        {
            content: "The script used",
            trigger: ".modal .o_field_widget[name='script_id'] input",
            run: "edit service follow-up",
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains('${SCRIPT}')`,
            run: "click",
        },
        {
            content: "Save the call",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The call completed the to-do",
            trigger: "body:not(:has(.modal)) .o-mail-Chatter:not(:has(.o-mail-Activity))",
        },
        {
            content: "The call is counted on the customer",
            trigger: ".o_form_view .o_field_widget[name='call_log_count']:contains('1')",
        },
        {
            content: "Go to the apps",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app:contains('Phone Marketing')",
            run: "click",
        },
        {
            content: "The day's sheets",
            trigger: ".o_menu_sections .o_nav_entry:contains('Daily Sheets')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='branch_id']:contains('Tour Branch')",
            run: "click",
        },
        {
            content: "The call is on the sheet",
            trigger: `.o_field_widget[name='call_ids'] .o_data_row:contains('${CUSTOMER}')`,
        },
        {
            content: "Submit the sheet at close of business",
            trigger: ".o_form_view button[name='action_submit']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Submitted')",
        },
    ],
});

registry.category("web_tour.tours").add("call_tracking_supervisor_tour", {
    url: "/web#action=call_tracking.action_call_sheet",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Branch') td[name='state']:contains('Submitted')",
            run: "click",
        },
        {
            content: "Sign as accounting supervisor",
            trigger: ".o_form_view button[name='action_sign_supervisor']",
            run: "click",
        },
        {
            content: "Once signed, the sheet is final: confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Signed by Supervisor')",
        },
        {
            content: "Signed: the ribbon",
            trigger: ".o_form_view .ribbon:contains('Signed')",
        },
        {
            content: "No second signature by the same person",
            trigger: ".o_form_view:not(:has(button[name='action_sign_president']))",
        },
    ],
});

registry.category("web_tour.tours").add("call_tracking_president_tour", {
    url: "/web#action=call_tracking.action_call_sheet",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Branch') td[name='state']:contains('Signed by Supervisor')",
            run: "click",
        },
        {
            content: "Countersign as branch president",
            trigger: ".o_form_view button[name='action_sign_president']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Signed by President')",
        },
        {
            content: "Download the sheet for the file",
            trigger: ".o_form_view button[name='action_download_xlsx']",
            run: "click",
        },
        {
            content: "The XLSX was made for the president and downloads from /web/content",
            trigger: ".o_form_view .o_form_statusbar",
            run: async () => {
                let downloads = [];
                for (let attempt = 0; attempt < 50 && !downloads.length; attempt++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                    downloads = await rpc("/web/dataset/call_kw/call.sheet.xlsx/search_read", {
                        model: "call.sheet.xlsx",
                        method: "search_read",
                        args: [[]],
                        kwargs: { fields: ["filename"] },
                    });
                }
                if (!downloads.length) {
                    throw new Error("No XLSX was exported");
                }
                const { id, filename } = downloads[0];
                const mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                const response = await fetch(
                    `/web/content/call.sheet.xlsx/${id}/file/${filename}?download=true&mimetype=${mimetype}`
                );
                const type = response.headers.get("Content-Type");
                if (!type.startsWith(mimetype)) {
                    throw new Error(`The XLSX was served as ${type}`);
                }
                const bytes = new Uint8Array(await response.arrayBuffer());
                // an XLSX is a zip archive: "PK"
                if (!response.ok || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
                    throw new Error(`The XLSX did not download (${response.status})`);
                }
            },
        },
    ],
});
