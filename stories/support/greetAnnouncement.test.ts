import { servicesFromContract } from "@taskbridge/worker";
import { greetContract } from "../../examples/registry/greetService.js";
import { greetAnnouncement } from "./greetAnnouncement.js";

test("the ServiceCatalog stories show what the worker SDK announces for example.greet", () => {
  expect(greetAnnouncement).toEqual(servicesFromContract(greetContract)["example.greet"]);
});
